this is { not MLIR <<< ]]
