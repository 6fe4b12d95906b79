module corpus/log-after-test

go 1.26
