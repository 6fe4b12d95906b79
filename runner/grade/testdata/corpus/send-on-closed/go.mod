module corpus/send-on-closed

go 1.26
