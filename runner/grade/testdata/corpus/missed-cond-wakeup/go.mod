module corpus/missed-cond-wakeup

go 1.26
