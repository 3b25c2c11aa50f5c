using Orchestrator.Torch;

namespace Orchestrator.Worker.Generation;

/// <summary>
/// What generation needs from an encoder-decoder language model: run the encoder once, then decode one token per
/// step from a key/value cache that holds everything already decoded.
/// </summary>
public interface IEncoderDecoderModel
{
    long DecoderStartTokenId { get; }
    long PadTokenId { get; }
    long EosTokenId { get; }

    /// <summary>The encoder's last hidden state [batch, source, d_model] (owned by the current dispose scope).</summary>
    torch.Tensor Encode(torch.Tensor input_ids, torch.Tensor attention_mask);

    /// <summary>An empty decoder cache; the caller disposes it.</summary>
    IDecoderCache NewCache();

    /// <summary>
    /// Feeds <paramref name="lastTokens"/> [rows, 1] (the newest token of each row) through the decoder, appending its
    /// keys and values to <paramref name="cache"/>, and returns the next-token logits [rows, vocab].
    /// </summary>
    torch.Tensor DecodeNext(torch.Tensor lastTokens, torch.Tensor encoderHidden, torch.Tensor encoderAttentionMask, IDecoderCache cache);
}

/// <summary>A decoder's key/value cache during generation.</summary>
public interface IDecoderCache : IDisposable
{
    /// <summary>Positions decoded so far.</summary>
    long Length { get; }

    /// <summary>Row i becomes row batchIndex[i] (beam search keeps and duplicates beams): index_select on the batch dimension.</summary>
    void Reorder(torch.Tensor batchIndex);
}
