using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gsv.ControlPlane.Data.Migrations
{
    /// <inheritdoc />
    public partial class TrialCreditsAndUniqueEmail : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_users_email",
                table: "users");

            migrationBuilder.DropIndex(
                name: "IX_users_pending_email",
                table: "users");

            migrationBuilder.CreateTable(
                name: "trial_credits",
                columns: table => new
                {
                    InstanceId = table.Column<Guid>(type: "uuid", nullable: false),
                    WorkspaceId = table.Column<Guid>(type: "uuid", nullable: false),
                    Granted = table.Column<long>(type: "bigint", nullable: false),
                    Remaining = table.Column<long>(type: "bigint", nullable: false),
                    Held = table.Column<long>(type: "bigint", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_trial_credits", x => x.InstanceId);
                    table.CheckConstraint("CK_trial_credits_held_not_negative", "\"Held\" >= 0");
                    table.CheckConstraint("CK_trial_credits_remaining", "\"Remaining\" >= 0 AND \"Remaining\" <= \"Granted\"");
                    table.ForeignKey(
                        name: "FK_trial_credits_instances_InstanceId",
                        column: x => x.InstanceId,
                        principalTable: "instances",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_trial_credits_wallets_WorkspaceId",
                        column: x => x.WorkspaceId,
                        principalTable: "wallets",
                        principalColumn: "WorkspaceId",
                        onDelete: ReferentialAction.Cascade);
                });

            // Emails become unique: where several users share one, the one find-or-create used to pick keeps it (signed
            // in before pending, then the oldest); the others keep their sub, workspace and credits, without the email.
            migrationBuilder.Sql("""
                UPDATE users SET "Email" = NULL WHERE "Id" IN (
                    SELECT "Id" FROM (
                        SELECT "Id", row_number() OVER (PARTITION BY "Email" ORDER BY "Sub" IS NULL, "CreatedAt", "Id") AS rank
                        FROM users WHERE "Email" IS NOT NULL) AS ranked
                    WHERE rank > 1);
                """);

            migrationBuilder.CreateIndex(
                name: "IX_users_email_unique",
                table: "users",
                column: "Email",
                unique: true,
                filter: "\"Email\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_trial_credits_ExpiresAt",
                table: "trial_credits",
                column: "ExpiresAt",
                filter: "\"Remaining\" > 0");

            migrationBuilder.CreateIndex(
                name: "IX_trial_credits_WorkspaceId",
                table: "trial_credits",
                column: "WorkspaceId",
                filter: "\"Remaining\" > 0");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "trial_credits");

            migrationBuilder.DropIndex(
                name: "IX_users_email_unique",
                table: "users");

            migrationBuilder.CreateIndex(
                name: "IX_users_email",
                table: "users",
                column: "Email");

            migrationBuilder.CreateIndex(
                name: "IX_users_pending_email",
                table: "users",
                column: "Email",
                unique: true,
                filter: "\"Sub\" IS NULL");
        }
    }
}
