"""Item pipelines, one job each: validate -> normalise -> dedupe -> store."""
