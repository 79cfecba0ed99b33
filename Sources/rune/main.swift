import RuneCLI

runeMain()
