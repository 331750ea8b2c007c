"""The review studio and the JSON API (`shortgen serve`)."""
