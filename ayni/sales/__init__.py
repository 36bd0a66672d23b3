"""Sales imports: file storage, format detection (pure), parsing, loading, rollups (issue 13). Empty until
then: the layer test covers it from the start."""
