module corpus/abba-deadlock

go 1.26
