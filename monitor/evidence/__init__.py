"""Evidence a researcher can cite: each version's original bytes as they were fetched, served
safely on the web, exported as a standard web archive (WARC), and the documents as tables."""
