using System.Text;
using Keel.Core.Predictions;

namespace Keel.Storage.Tests.Predictions;

// Text a backend might refuse (PostgreSQL's text takes valid UTF-8 only): every backend keeps the
// batch and reads the same repaired text back, and long column lists are stored like short ones.
public abstract partial class PredictionStoreComplianceTests
{
    [Fact]
    public async Task Append_InvalidUtf8AndLoneSurrogates_KeepTheBatch_AndReadBackWithReplacementCharacters()
    {
        // Bytes no JSON writer produces (a stray 0xFF, a truncated sequence), from a caller other than
        // the server; and a request id with a lone surrogate (an Open Inference body id "\ud800").
        var bad = new PredictionLogEntry("id-\ud800", "credit", "3", 1000, 10, 1, CreditColumns, new byte[] { (byte)'[', (byte)'"', 0xFF, 0xC3, (byte)'"', (byte)']' }, "[1]"u8.ToArray());
        await Store.AppendAsync([PredictionLogEntry.From(Record("ok", 999)), bad]);

        var items = (await Store.SearchAsync(new PredictionQuery("credit"))).Items;

        Assert.Equal(["ok", "id-\uFFFD"], items.Select(i => i.Record.RequestId));
        Assert.Equal("[\"\uFFFD\uFFFD\"]", items[1].Record.InputsJson);
        Assert.Equal(1, await Store.AddFeedbackAsync(PredictionFeedback.ForRows("id-\uFFFD", System.Text.Json.JsonDocument.Parse("[1]").RootElement, 2000)));
    }

    [Fact]
    public async Task Append_AColumnListLongerThanAnIndexEntry_IsStoredAndReadBack()
    {
        // 300 columns with hash-like names: a 22 kB list that does not compress, far past a B-tree
        // entry's limit (about 2.7 kB).
        var columns = Enumerable.Range(0, 300).Select(i => "f_" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i)))).ToArray();
        var inputs = "[[" + string.Join(',', Enumerable.Repeat("1", columns.Length)) + "]]";
        await Store.AppendAsync([Record("wide", 1000) with { InputColumns = columns, InputsJson = inputs }]);
        await Store.AppendAsync([Record("wide2", 1001) with { InputColumns = [.. columns], InputsJson = inputs }]);

        var items = (await Store.SearchAsync(new PredictionQuery("credit"))).Items;

        Assert.All(items, i => Assert.Equal(columns, i.Record.InputColumns));
        Assert.Equal(Encoding.UTF8.GetByteCount(inputs), Encoding.UTF8.GetByteCount(items[1].Record.InputsJson));
    }

    [Fact]
    public async Task Append_ABatchThatFailsPartWay_StoresNothing()
    {
        // Big enough that a streaming backend has sent part of it when the last record turns out bad.
        var records = Enumerable.Range(0, 3000).Select(i => Record("r" + i, 1000 + i, rows: 3)).ToList();
        records.Add(Record("bad", 9000) with { RequestId = null! });

        await Assert.ThrowsAnyAsync<Exception>(() => Store.AppendAsync(records));

        await Fails(Keel.Core.Errors.ErrorCode.ResourceDoesNotExist, () => Store.SearchAsync(new PredictionQuery("credit")));
        await Store.AppendAsync([Record("after", 1000)]);
        Assert.Equal(["after"], (await Store.SearchAsync(new PredictionQuery("credit"))).Items.Select(i => i.Record.RequestId));
    }
}
