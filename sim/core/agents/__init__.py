"""The agents: clinicians (`clinician`), their managers (`manager`) and patients (`patient`)."""
