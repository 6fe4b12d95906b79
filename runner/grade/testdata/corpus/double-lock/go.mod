module corpus/double-lock

go 1.26
