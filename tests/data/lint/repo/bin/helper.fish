pkill -9 node
