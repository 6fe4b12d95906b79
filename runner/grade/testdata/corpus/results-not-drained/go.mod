module corpus/results-not-drained

go 1.26
