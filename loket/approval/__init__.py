"""The approval chain (SOP steps 3-9): officials, the chain, the desks and their acts, the control
card, permit numbers, the permit documents, notifications and delivery guarantees."""
