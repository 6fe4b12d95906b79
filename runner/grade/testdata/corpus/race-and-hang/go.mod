module corpus/race-and-hang

go 1.26
