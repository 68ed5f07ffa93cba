using Microsoft.EntityFrameworkCore;

namespace Gsv.Provisioner.Data;

/// <summary>The Provisioner's own database (its webhook inbox and provisioning state).</summary>
public sealed class ProvisionerDbContext(DbContextOptions<ProvisionerDbContext> options) : DbContext(options)
{
}
