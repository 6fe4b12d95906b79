module corpus/shutdown-log

go 1.26
