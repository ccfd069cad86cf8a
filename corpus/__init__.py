"""The application: store, ingest, export and the `aidcorpus` CLI."""
