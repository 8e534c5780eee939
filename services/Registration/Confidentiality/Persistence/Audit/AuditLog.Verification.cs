using StackExchange.Redis;

namespace CustomerProtection.Registration.Confidentiality.Persistence.Audit;

/// <summary>The audit log's verdict on its own chain.</summary>
public sealed record ChainVerification(long Checked, long HeadSequence, byte[] HeadHash, BrokenLink? Broken)
{
    public bool Intact => Broken is null;
}

/// <summary>C-5 verification: the whole chain re-computed from its first entry.</summary>
public sealed partial class AuditLog
{
    /// <summary>Re-computes the whole chain from the first entry and compares it with every stored hash and the head.</summary>
    public async Task<ChainVerification> VerifyAsync()
    {
        var db = Db;
        var head = ChainHead.Parse(await db.StringGetAsync(AuditKeys.HeadKey));
        var verifier = new ChainVerifier();
        RedisValue min = "-";
        while (verifier.Broken is null)
        {
            var page = await db.StreamRangeAsync(AuditKeys.LogKey, min, "+", ReadBatch);
            foreach (var item in page)
            {
                verifier.Feed(AuditCodec.ToEntry(item));
            }

            if (page.Length < ReadBatch)
            {
                break;
            }

            min = "(" + page[^1].Id;
        }

        return new ChainVerification(verifier.Checked, head.Sequence, head.Hash, verifier.Finish(head.Sequence, head.Hash));
    }
}
