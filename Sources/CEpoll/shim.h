// Linux's epoll, which Swift's Glibc module does not export (see EventLoop.swift).
#include <sys/epoll.h>
