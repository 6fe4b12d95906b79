module corpus/recursive-rlock

go 1.26
