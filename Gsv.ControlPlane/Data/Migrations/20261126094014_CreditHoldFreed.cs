using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gsv.ControlPlane.Data.Migrations
{
    /// <inheritdoc />
    public partial class CreditHoldFreed : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "Freed",
                table: "credit_holds",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Freed",
                table: "credit_holds");
        }
    }
}
