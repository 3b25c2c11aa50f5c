/* Stands in for std::ios_base_library_init() (GCC 13's libstdc++, GLIBCXX_3.4.32), which TorchSharp 0.107's
   native library references but Debian 12's libstdc++ (GLIBCXX_3.4.30) lacks. GCC 13 emits the reference only so
   that linking pulls in the stream initialisation, which the older libstdc++ does in its own constructor anyway.
   This library has no symbol versions, so the loader accepts it for the versioned reference. */
void _ZSt21ios_base_library_initv(void) {}
