"""Evidence that the model behaves as published programmes do: effect bands (brief section 8),
checked over paired replicates with intervals."""
