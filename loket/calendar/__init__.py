"""The office's working-day calendar: office hours, holidays, cuti bersama, closures."""
