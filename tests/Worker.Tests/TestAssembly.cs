// Tests seed and draw from the process-wide default generator: run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
