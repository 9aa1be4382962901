"""Evidence that the model behaves as published studies and programmes do: level targets
(`targets`), behaviour facts (`facts`), effect bands (`bands`, `effects`), all over paired
replicates with intervals; the commands built on them check the model (`validation`), split a
bundle of interventions into its parts (`decompose`) and fit parameters (`calibrate`)."""
