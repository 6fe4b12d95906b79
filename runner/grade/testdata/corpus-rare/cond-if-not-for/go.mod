module corpus/cond-if-not-for

go 1.26
