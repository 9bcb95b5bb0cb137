"""The JSON APIs' shared shapes: strict parsing, OpenAPI documents, pages of results, the postal address."""
