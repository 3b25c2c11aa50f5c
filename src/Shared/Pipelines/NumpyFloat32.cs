namespace Orchestrator.Shared.Pipelines;

/// <summary>
/// The float32 arithmetic the Hugging Face pipelines do with numpy, so scores round as theirs do: softmax and
/// sigmoid over float32 logits, numpy's pairwise summation, and means divided as numpy divides a float32 sum by
/// an integer count (in double, rounded back to float32).
/// </summary>
public static class NumpyFloat32
{
    /// <summary>softmax as the pipelines write it: exp(x - max) / sum(exp(x - max)), all in float32.</summary>
    public static float[] Softmax(ReadOnlySpan<float> logits)
    {
        var result = new float[logits.Length];
        if (logits.Length == 0) return result;
        float max = float.NegativeInfinity;
        foreach (var x in logits) max = MathF.Max(max, x);
        for (int i = 0; i < logits.Length; i++) result[i] = MathF.Exp(logits[i] - max);
        float sum = Sum(result);
        for (int i = 0; i < result.Length; i++) result[i] /= sum;
        return result;
    }

    /// <summary>1 / (1 + exp(-x)) per value, in float32.</summary>
    public static float[] Sigmoid(ReadOnlySpan<float> logits)
    {
        var result = new float[logits.Length];
        for (int i = 0; i < logits.Length; i++) result[i] = 1f / (1f + MathF.Exp(-logits[i]));
        return result;
    }

    /// <summary>
    /// numpy's pairwise sum of a contiguous float32 array: sequential under 8 values; eight interleaved partial sums
    /// up to 128 values, combined pairwise; halves summed recursively above that.
    /// </summary>
    public static float Sum(ReadOnlySpan<float> values)
    {
        int n = values.Length;
        if (n < 8)
        {
            float sum = 0f;
            foreach (var v in values) sum += v;
            return sum;
        }
        if (n <= 128)
        {
            Span<float> r = stackalloc float[8];
            for (int k = 0; k < 8; k++) r[k] = values[k];
            int i = 8;
            for (; i < n - n % 8; i += 8)
                for (int k = 0; k < 8; k++) r[k] += values[i + k];
            float sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) sum += values[i];
            return sum;
        }
        int half = n / 2;
        half -= half % 8;
        return Sum(values[..half]) + Sum(values[half..]);
    }

    /// <summary>np.mean / np.nanmean (no NaN) of float32 values: the pairwise sum over the count.</summary>
    public static float Mean(ReadOnlySpan<float> values) => (float)((double)Sum(values) / values.Length);

    /// <summary>
    /// np.nanmean(np.stack(rows), axis=0): per column, the rows added in order (numpy reduces the outer axis
    /// row by row), then divided by the row count.
    /// </summary>
    public static float[] MeanOfRows(IReadOnlyList<float[]> rows)
    {
        var sum = (float[])rows[0].Clone();
        for (int r = 1; r < rows.Count; r++)
            for (int i = 0; i < sum.Length; i++) sum[i] += rows[r][i];
        var mean = new float[sum.Length];
        for (int i = 0; i < sum.Length; i++) mean[i] = (float)((double)sum[i] / rows.Count);
        return mean;
    }

    /// <summary>numpy's argmax: the first index of the largest value.</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }
}
