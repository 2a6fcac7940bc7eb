#!/bin/bash
echo start
if then fi
echo end
