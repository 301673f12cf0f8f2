using Keel.Tracking.Bench;

// keel-tracking-bench seed    --db PATH --artifacts DIR --runs 10000,100000 --history 100000,1000000 --out seed.json
// keel-tracking-bench search  --url URL --seed seed.json --runs 10000 [--reps 200] [--warmup 20]
// keel-tracking-bench history --url URL --seed seed.json --points 100000 [--reps 5] [--page 25000]
// keel-tracking-bench count   --url URL --run-id ID --key loss
// keel-tracking-bench store-bench --backend sqlite:///PATH|postgresql://... [--seconds 10] [--runs 100000] [--points 100000] [--skip write,search,history]
//     (the same benchmarks through ITrackingStore in-process, on either backend; bench/tracking/store-bench.sh)
// keel-tracking-bench store-profile --dir /var/tmp/keel-profile   (diagnosis: store and SQL costs without HTTP)
// keel-tracking-bench history-profile --db COPY.db --seed seed.json --points 1000000   (diagnosis: history paging CPU)
// Every measuring command prints one "RESULT ..." line that bench/tracking/run.sh aggregates.
var (command, options) = Options.Parse(args);
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};

return command switch
{
    "seed" => await Seeder.RunAsync(options, cts.Token),
    "search" => await SearchBench.RunAsync(options, cts.Token),
    "history" => await HistoryBench.RunAsync(options, cts.Token),
    "count" => await HistoryBench.CountAsync(options, cts.Token),
    "store-bench" => await StoreBench.RunAsync(options, cts.Token),
    "store-profile" => await StoreProfile.RunAsync(options, cts.Token),
    "history-profile" => await HistoryProfile.RunAsync(options, cts.Token),
    _ => Options.Usage(),
};
