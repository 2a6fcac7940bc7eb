#!/usr/bin/env python3
print("fuser -k 3000/tcp")
