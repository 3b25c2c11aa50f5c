file(REMOVE_RECURSE
  "CMakeFiles/orchestrator_torch.dir/src/distributed.cpp.o"
  "CMakeFiles/orchestrator_torch.dir/src/distributed.cpp.o.d"
  "CMakeFiles/orchestrator_torch.dir/src/errors.cpp.o"
  "CMakeFiles/orchestrator_torch.dir/src/errors.cpp.o.d"
  "CMakeFiles/orchestrator_torch.dir/src/runtime_info.cpp.o"
  "CMakeFiles/orchestrator_torch.dir/src/runtime_info.cpp.o.d"
  "CMakeFiles/orchestrator_torch.dir/src/tensor_core.cpp.o"
  "CMakeFiles/orchestrator_torch.dir/src/tensor_core.cpp.o.d"
  "liborchestrator_torch.pdb"
  "liborchestrator_torch.so"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/orchestrator_torch.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
