using System.Runtime.InteropServices;

namespace Orchestrator.Torch.Interop;

// c10d stores, process groups and work handles (native/src/distributed.cpp).
internal static partial class NativeMethods
{
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr orc_tcpstore_create(string host, int port, int worldSize, int isMaster, long timeoutMs);
    [LibraryImport(Lib)] internal static partial void orc_tcpstore_wait_workers(IntPtr store);
    [LibraryImport(Lib)] internal static partial int orc_store_port(IntPtr store);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr orc_prefixstore_create(string prefix, IntPtr inner);
    [LibraryImport(Lib)] internal static partial void orc_store_free(IntPtr store);
    [LibraryImport(Lib)] internal static partial void orc_store_set_timeout(IntPtr store, long timeoutMs);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial void orc_store_set(IntPtr store, string key, byte* value, long length);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr orc_store_get(IntPtr store, string key);
    [LibraryImport(Lib)] internal static partial IntPtr orc_bytes_data(IntPtr bytes);
    [LibraryImport(Lib)] internal static partial long orc_bytes_size(IntPtr bytes);
    [LibraryImport(Lib)] internal static partial void orc_bytes_free(IntPtr bytes);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial long orc_store_add(IntPtr store, string key, long delta);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int orc_store_check(IntPtr store, string[] keys, long count);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int orc_store_delete(IntPtr store, string key);
    [LibraryImport(Lib)] internal static partial long orc_store_num_keys(IntPtr store);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void orc_store_wait(IntPtr store, string[] keys, long count, long timeoutMs);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr orc_pg_gloo_create(IntPtr store, int rank, int size, long timeoutMs,
        string? hostname, string? interfaces, int threads);
    [LibraryImport(Lib)] internal static partial int orc_nccl_available();
    [LibraryImport(Lib)] internal static partial IntPtr orc_pg_nccl_create(IntPtr store, int rank, int size, long timeoutMs);
    [LibraryImport(Lib)] internal static partial void orc_pg_abort(IntPtr group);
    [LibraryImport(Lib)] internal static partial void orc_pg_free(IntPtr group);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr orc_pg_allreduce(IntPtr group, IntPtr* tensors, long count, int op);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr orc_pg_allreduce_coalesced(IntPtr group, IntPtr* tensors, long count, int op);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr orc_pg_broadcast(IntPtr group, IntPtr* tensors, long count, int root);
    [LibraryImport(Lib)] internal static partial IntPtr orc_pg_barrier(IntPtr group);
    [LibraryImport(Lib)] internal static unsafe partial IntPtr orc_pg_allgather(IntPtr group, IntPtr input, IntPtr* outputs);
    [LibraryImport(Lib)] internal static partial IntPtr orc_pg_allgather_into(IntPtr group, IntPtr output, IntPtr input);

    [LibraryImport(Lib)] internal static partial void orc_work_wait(IntPtr work, long timeoutMs);
    [LibraryImport(Lib)] internal static partial int orc_work_is_completed(IntPtr work);
    [LibraryImport(Lib)] internal static partial void orc_work_free(IntPtr work);
}
