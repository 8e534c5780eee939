using CustomerProtection.Arbitration.Application;
using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Policy;
using CustomerProtection.Policy.Actors;
using Microsoft.Extensions.Time.Testing;

namespace CustomerProtection.Arbitration.Tests;

/// <summary>People, dates and known answers of the other services shared by the tests.</summary>
public static class TestData
{
    public const string Branch = "B-SH";
    public const string Owner = "S-OWNER";
    public const string Objector = "S-OBJ";
    public const string Third = "S-THIRD";

    public static readonly Caller Hq = new("HQ-1", Roles.Hq, null, null);
    public static readonly Caller Manager = new("M-SH", Roles.BranchManager, Branch, "R-EAST");
    public static readonly Caller OtherManager = new("M-BJ", Roles.BranchManager, "B-BJ", "R-NORTH");
    public static readonly Caller Secretary = new("SEC-SH", Roles.BranchSecretary, Branch, "R-EAST");

    public static Caller Salesperson(string id, string branch = Branch) => new(id, Roles.Salesperson, branch, "R-EAST");

    /// <summary>Tuesday 2026-03-10, 09:00 in Shanghai.</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 10, 9, 0, 0, TimeSpan.FromHours(8));

    public static readonly WorkingDayCalendar Calendar = WorkingDayCalendar.LoadDefault();

    /// <summary>A request's day (google.type.Date) from yyyy-MM-dd.</summary>
    public static Google.Type.Date Day(string iso) => new() { Year = D(iso).Year, Month = D(iso).Month, Day = D(iso).Day };

    public static DateOnly D(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static FakeTimeProvider Clock(DateTimeOffset? at = null) => new(at ?? Start);

    public static PolicyClock PolicyClock(TimeProvider time) =>
        new(PolicyBook.Default, new CalendarProvider(WorkingDayCalendar.DefaultDirectory), time);

    /// <param name="announced">
    /// Whether the ownership came by an announced filing or a pool claim (Registration then says when the
    /// objection window ends); false for a reallocation, an award or an import (P-13: no window).
    /// </param>
    public static CustomerFacts Customer(string id = "cust1", string? owner = Owner, DateOnly? approvedOn = null, string status = "protected", string? previousOwner = null, bool announced = true, params string[] coDevelopers)
    {
        var approved = approvedOn ?? D("2026-03-10");
        DateOnly? windowEnds = announced && status == "protected" ? Dates.ToDateOnly(CaseWindows.Objection(PolicyBook.Default, Calendar, approved, approved).Deadline) : null;
        return new(id, "uscc:" + id, "客户" + id, Branch, "R-EAST", owner, status, status == "protected", approved, coDevelopers, previousOwner, windowEnds);
    }

    /// <summary>An employee of the branch as Territory's directory has them (C-9, P-12: <paramref name="status"/>).</summary>
    public static EmployeeFacts Employee(string id, string status = PersonStatuses.Active, string role = Roles.Salesperson) => new(id, role, Branch, "R-EAST", null, status);

    /// <summary>Everyone the tests make an owner, active.</summary>
    public static readonly HolderStatuses AllActive = new(new Dictionary<string, string>
    {
        [Owner] = PersonStatuses.Active,
        [Objector] = PersonStatuses.Active,
        [Third] = PersonStatuses.Active,
    });

    public static HolderStatuses ActiveBut(params (string Id, string Status)[] exceptions)
    {
        var statuses = AllActive.ByPerson.ToDictionary();
        foreach (var (id, status) in exceptions)
        {
            statuses[id] = status;
        }

        return new HolderStatuses(statuses);
    }

    /// <summary>An open ownership case (an objection by <see cref="Objector"/> against <see cref="Owner"/>).</summary>
    public static Case OpenCase(string id = "case-1", string kind = CaseKinds.Objection) => new()
    {
        Id = id,
        Kind = kind,
        Status = CaseStatuses.Open,
        CustomerId = "cust1",
        IdentityKey = "uscc:cust1",
        BranchId = Branch,
        RegionId = "R-EAST",
        ClaimantId = Objector,
        RespondentId = Owner,
        OwnerId = Owner,
        OpenedBy = Objector,
        OpenedAt = Start,
        Description = "我先拜访过 / I visited first",
    };
}

/// <summary>Registration's answers, known in advance (pure-logic tests only; the real one is a gRPC call).</summary>
public sealed class InMemoryRegistration : IRegistrationReader
{
    public Dictionary<string, CustomerFacts> Customers { get; } = [];
    public List<ProgressFact> Progress { get; } = [];
    public int ProgressReads { get; private set; }

    public Task<CustomerFacts?> GetCustomerAsync(string customerId, CancellationToken cancellationToken) =>
        Task.FromResult(Customers.GetValueOrDefault(customerId));

    public Task<IReadOnlyList<ProgressFact>> ListProgressAsync(string customerId, CancellationToken cancellationToken)
    {
        ProgressReads++;
        return Task.FromResult<IReadOnlyList<ProgressFact>>([.. Progress.Where(p => p.CustomerId == customerId)]);
    }
}

/// <summary>Territory's directory, known in advance.</summary>
public sealed class InMemoryDirectory : IDirectoryReader
{
    public Dictionary<string, EmployeeFacts> Employees { get; } = [];
    public Dictionary<string, EmployeeFacts> Dealers { get; } = [];
    public Dictionary<string, string> BranchManagers { get; } = [];

    public Task<EmployeeFacts?> GetDealerAsync(string dealerId, CancellationToken cancellationToken) =>
        Task.FromResult(Dealers.GetValueOrDefault(dealerId));

    public Task<EmployeeFacts?> GetEmployeeAsync(string employeeId, CancellationToken cancellationToken) =>
        Task.FromResult(Employees.GetValueOrDefault(employeeId));

    public Task<string?> GetBranchManagerAsync(string branchId, CancellationToken cancellationToken) =>
        Task.FromResult(BranchManagers.GetValueOrDefault(branchId));
}
