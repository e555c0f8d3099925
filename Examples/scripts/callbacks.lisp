; Closures are callable heap objects: the heap calls them back.
(class Box)

; A weak reference callback runs when its referent dies.
(define b (new Box))
(define watch (weakref b (lambda (w) (print "callback: the box is gone, deref gives" (deref w)))))
(del b)

; finalize calls its function with its arguments when the object dies.
(define c (new Box))
(finalize c (lambda (tag) (print "finalize:" tag)) "c")
(del c)

; A cycle through a callback: the box holds a weak reference to itself whose
; callback closes over the environment that holds the box. The collector
; sees the whole cycle and frees it; the callback does not run, as the
; weak reference dies with it.
(define make (lambda () (begin (define d (new Box)) (set d watch (weakref d (lambda (w) d))) 0)))
(make)
(print "collected" (gc-collect))

; Classes made as the program runs die when nothing uses them.
(define churn (lambda (n) (if (< n 1) 0 (begin (class Temp) (set (new Temp) n n) (churn (- n 1))))))
(churn 50)
(print "churned")
