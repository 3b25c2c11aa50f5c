// Tests assert on torch.LiveTensorCount, a process-wide counter: tests running at the same time in
// other classes would change it under them. The libtorch tests are short; run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
