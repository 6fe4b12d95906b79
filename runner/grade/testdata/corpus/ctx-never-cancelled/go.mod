module corpus/ctx-never-cancelled

go 1.26
