"""Territory pages: a commune's or a quartier's open, coming and finished consultations, its
debates and officials, gathered from the owning apps' selectors (portal is the top floor)."""
