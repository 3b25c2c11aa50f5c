# Empty dependencies file for orchestrator_torch.
# This may be replaced when dependencies are built.
