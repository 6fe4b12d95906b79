module corpus/check-then-act

go 1.26
