module corpus/chan-deadlock

go 1.26
