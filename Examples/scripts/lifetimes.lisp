; Objects die when the last reference goes; cycles die in gc-collect.
(class Resource (lambda (self) (print "closing" (get self name))))
(define open (lambda (name) (begin (define r (new Resource)) (set r name name) r)))

(define a (open "a"))
(del a)                                  ; reference counting: closed at once
(print "a is gone")

(define x (open "x"))
(class Note)
(define note (new Note))
(set x note note)
(set note owner x)                       ; x <-> note: a cycle
(define w (weakref x))
(del x)
(del note)
(print "x still open:" (get (deref w) name))
(print "collected" (gc-collect))         ; closing x
(print "weak reference now:" (deref w))

; A closure bound in the environment it was made in: the two refer to each other.
(define counter
  (lambda () (begin (define n 0) (define step (lambda () (begin (set! n (+ n 1)) n))) step)))
(define tick (counter))
(tick)
(tick)
(print "ticks" (tick))
(define seen (weakref tick))
(del tick)
(print "closure alive:" (gc-is-tracked (deref seen)))
(print "collected" (gc-collect))
(print "closure now:" (deref seen))

; Still open at the end: the interpreter's exit closes it.
(define kept (open "kept"))
(print "exiting")
