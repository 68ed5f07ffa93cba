using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gsv.Provisioner.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddSaleorAppTokens : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "saleor_app_tokens",
                columns: table => new
                {
                    app_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    token_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    token = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_saleor_app_tokens", x => x.app_id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "saleor_app_tokens");
        }
    }
}
