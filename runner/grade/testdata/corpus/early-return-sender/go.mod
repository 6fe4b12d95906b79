module corpus/early-return-sender

go 1.26
