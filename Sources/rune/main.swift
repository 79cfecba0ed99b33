import RuneCLI
