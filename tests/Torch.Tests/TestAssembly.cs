// Tests read process-wide state (live tensor count, the default generator, RSS): run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
