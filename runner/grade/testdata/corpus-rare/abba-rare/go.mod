module corpus/abba-rare

go 1.26
