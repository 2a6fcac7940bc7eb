#!/bin/sh
pkill node
