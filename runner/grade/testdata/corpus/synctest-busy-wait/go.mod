module corpus/synctest-busy-wait

go 1.26
