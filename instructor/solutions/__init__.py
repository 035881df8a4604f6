"""Reference solutions and wrong-answer catalogues, one module per chapter (see ``instructor``)."""
